// A node_exporter textfile as Prometheus reads it: samples with their
// labels, and the promtool rule test that feeds them to the alert rules
// as series scraped from one host, unchanged for `minutes`.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample line; # HELP / # TYPE lines are skipped, anything else unparsable throws. */
export function parseTextfile(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const m = SAMPLE.exec(line);
      if (m?.[1] === undefined || m[3] === undefined) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1] ?? '', l[2] ?? '']));
      return { name: m[1], labels, value: m[3] };
    });
}

/** The metric names an alert rules file reads. */
export function readRuleMetricNames(rules: string): string[] {
  return [...new Set(rules.match(/\bvfkeeper_[a-z_]+\b/g) ?? [])].sort();
}

const formatSeries = (s: Sample, host: string): string => {
  const labels = { ...s.labels, instance: host, job: 'node' };
  return `${s.name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
};

export interface ExpectedAlert {
  alertname: string;
  labels: Record<string, string>;
  /** promtool compares annotations whole: summary and description as rendered. */
  annotations: Record<string, string>;
}

/**
 * A promtool test file: the samples as series of `host`, constant for
 * `minutes`, and at the end the alerts expected to fire (every other rule
 * of `alertnames` expected silent).
 */
export function formatRuleTest(
  rulesFile: string,
  samples: Sample[],
  host: string,
  minutes: number,
  alertnames: string[],
  expected: ExpectedAlert[],
): string {
  const series = samples.map((s) => ({ series: formatSeries(s, host), values: `${s.value}x${minutes}` }));
  const tests = alertnames.map((alertname) => ({
    eval_time: `${minutes}m`,
    alertname,
    exp_alerts: expected
      .filter((e) => e.alertname === alertname)
      .map((e) => ({ exp_labels: { ...e.labels, instance: host, job: 'node' }, exp_annotations: e.annotations })),
  }));
  return JSON.stringify(
    { rule_files: [rulesFile], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: series, alert_rule_test: tests }] },
    null,
    2,
  );
}
