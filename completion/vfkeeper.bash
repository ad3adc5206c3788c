# bash completion for vfkeeper(8): the commands, each command's options, and
# file or directory names where an option takes one. Needs only bash.

_vfkeeper_names() {
	# $1: -f for files, -d for directories. Names may hold spaces.
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen "$1" -- "$2"))
}

_vfkeeper() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local globals='--config --sysfs-root --simulate --control-socket --json --help --version'
	local commands='daemon reconcile status doctor firmware hook libvirt-xml pause resume check-config udev-rules demo sim forwarder-emulator'
	COMPREPLY=()

	case $prev in
	--config | --simulate | --control-socket) _vfkeeper_names -f "$cur"; return 0 ;;
	--sysfs-root | --root | --dir) _vfkeeper_names -d "$cur"; return 0 ;;
	--reason | --virtio-id | --pfs | --vfs | --numvfs | --firmware | --driver) return 0 ;;
	esac

	# The command and its subcommand: the first words that are neither
	# options nor the values of global options.
	local i word cmd='' sub=''
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		--config | --simulate | --control-socket | --sysfs-root) ((i++)) ;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then cmd=$word
			elif [[ -z $sub ]]; then sub=$word
			fi
			;;
		esac
	done

	local words=''
	case $cmd in
	'') words=$commands ;;
	reconcile) words='--dry-run --force' ;;
	doctor) words='--root' ;;
	firmware) words='--fix --root' ;;
	hook) [[ -n $sub ]] || words='networkmanager networkd' ;;
	libvirt-xml) words='--virtio-id --full --root' ;;
	pause) words='--reason' ;;
	sim)
		if [[ -z $sub ]]; then words='init open-vfio close-vfio remove rescan'
		elif [[ $sub == init ]]; then words='--pfs --vfs --numvfs --firmware --driver'
		fi
		;;
	forwarder-emulator) words='--dir --dynamic-sockets' ;;
	check-config) [[ $cur == -* ]] || { _vfkeeper_names -f "$cur"; return 0; } ;;
	esac
	[[ $cur == -* ]] && words="$words $globals"
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
	return 0
}

complete -F _vfkeeper vfkeeper
