// Every subcommand, in the order `vfkeeper --help` lists them.
import type { Command } from '../command.js';
import { reconcileCommand } from './reconcile.js';
import { simCommand } from './sim.js';
import { statusCommand } from './status.js';
import { demoCommand } from './demo.js';

export const commands: Command[] = [reconcileCommand, statusCommand, simCommand, demoCommand];
