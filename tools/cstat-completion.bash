# bash completion for cstat, cregress and cbaseline.
#
# Installed as share/bash-completion/completions/cstat (with cregress and
# cbaseline linked to it), so bash-completion loads it on the first use of
# any of the three.  Flags, enumerated flag values (-format, -correction,
# -input-format, ...), cbaseline's commands and store names are completed;
# everything else completes as a file name.  The lists follow each tool's
# -h (tests/completion.py checks that every flag -h lists is here); each
# function ends in the shared flag-or-file tail, _cstat_flag_or_file.

# The names of the store's baselines or histories (kind: baselines|history).
_cstat_store_names()
{
	local dir=${CSTAT_STORE:-.cstat} i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-store | --store) dir=${COMP_WORDS[i + 1]} ;;
		-store=* | --store=*) dir=${COMP_WORDS[i]#*=} ;;
		esac
	done
	local f names=
	for f in "$dir/$1"/*.json "$dir/$1"/*.jsonl; do
		[[ -e $f ]] || continue
		f=${f##*/}
		names+="${f%.json*}"$'\n'
	done
	printf '%s' "$names"
}

# How every tool's completion ends: the word being completed ($2) as one
# of the flags $1 when it starts with "-", else as a file name.
_cstat_flag_or_file()
{
	if [[ $2 == -* ]]; then
		COMPREPLY=($(compgen -W "$1" -- "$2"))
	else
		COMPREPLY=($(compgen -f -- "$2"))
	fi
}

_cstat_input_formats="go cstat test2json gbench hyperfine pytest dotnet csv criterion"

_cstat()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local flags="-alpha -col -confidence -correlate -diagnose -filter -format -ignore -input-format
-no-diagnose -samples -scaling -stats -row -table -v1 -version -h -help"
	local v1_flags="-alpha -csv -delta-test -geomean -html -norange -sort
-split -v1 -version -h -help"
	local w
	for w in "${COMP_WORDS[@]}"; do
		[[ $w == -v1 || $w == --v1 ]] && flags=$v1_flags
	done
	case $prev in
	-format | --format)
		COMPREPLY=($(compgen -W "text csv html markdown json" -- "$cur"))
		return ;;
	-input-format | --input-format)
		COMPREPLY=($(compgen -W "$_cstat_input_formats" -- "$cur"))
		return ;;
	-delta-test | --delta-test)
		COMPREPLY=($(compgen -W "utest ttest none" -- "$cur"))
		return ;;
	-sort | --sort)
		COMPREPLY=($(compgen -W "none name -name delta -delta" -- "$cur"))
		return ;;
	-stats | --stats)
		COMPREPLY=($(compgen -W "mean stddev min max cv n p90 p99" -- "$cur"))
		return ;;
	-alpha | --alpha | -col | --col | -confidence | --confidence | -filter | \
		--filter | -ignore | --ignore | -row | --row | -table | --table | \
		-split | --split | -scaling | --scaling)
		return ;;
	esac
	_cstat_flag_or_file "$flags" "$cur"
}

_cregress()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local flags="-aa -alpha -better -col -confidence -config -correction
-explain -fingerprint -filter -format -history -ignore -input-format
-no-diagnose -noise-alpha -o -plan -plan-count -plan-power -row -scaling -skip
-strict -table -threshold -threshold-on -version -h -help"
	case $prev in
	-format | --format)
		COMPREPLY=($(compgen -W "text markdown json junit github" -- "$cur"))
		return ;;
	-correction | --correction)
		COMPREPLY=($(compgen -W "holm bh none" -- "$cur"))
		return ;;
	-threshold-on | --threshold-on)
		COMPREPLY=($(compgen -W "estimate interval" -- "$cur"))
		return ;;
	-input-format | --input-format)
		COMPREPLY=($(compgen -W "$_cstat_input_formats" -- "$cur"))
		return ;;
	-config | --config | -history | --history | -o | --o)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-alpha | --alpha | -better | --better | -col | --col | -confidence | \
		--confidence | -explain | --explain | -fingerprint | \
		--fingerprint | -filter | --filter | -ignore | --ignore | \
		-noise-alpha | --noise-alpha | -plan | --plan | -plan-count | \
		--plan-count | -plan-power | --plan-power | -row | --row | \
		-scaling | --scaling | -skip | --skip | -table | --table | \
		-threshold | --threshold)
		return ;;
	esac
	_cstat_flag_or_file "$flags" "$cur"
}

_cbaseline()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="save list show rm compare gate record history detect
prune export forecast merge"
	local cmd= i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-store | --store) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	-store | --store)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	-format | --format)
		case $cmd in
		export) COMPREPLY=($(compgen -W "html csv json" -- "$cur")) ;;
		forecast) COMPREPLY=($(compgen -W "text markdown json csv html" -- "$cur")) ;;
		compare | show) COMPREPLY=($(compgen -W "text csv html markdown json" -- "$cur")) ;;
		gate) COMPREPLY=($(compgen -W "text markdown json junit github" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "text markdown json" -- "$cur")) ;;
		esac
		return ;;
	-fail-on | --fail-on)
		COMPREPLY=($(compgen -W "none new" -- "$cur"))
		return ;;
	-o | --o | -config | --config)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-store -version -h -help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi
	local flags="-store -h -help"
	case $cmd in
	save | record) flags+=" -m" ;;
	list) flags+=" -format" ;;
	history) flags+=" -filter -format" ;;
	compare) flags+=" -fingerprint -strict" ;;
	gate) flags+=" -history -strict" ;;
	detect) flags+=" -alpha -fail-on -filter -format -new -since" ;;
	prune) flags+=" -keep" ;;
	export) flags+=" -alpha -filter -forecast -format -o -repo-url" ;;
	forecast) flags+=" -ahead -alpha -config -filter -format -level -min-runs -o
-repo-url -threshold" ;;
	esac
	# The first word after the command is NAME: a baseline for save, show,
	# rm, compare and gate, a history for the others; then files.
	local n=0
	for ((i = i + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-store | -m | -format | -filter | -fingerprint | -history | -alpha | \
			-fail-on | -new | -since | -keep | -o | -ahead | -level | \
			-min-runs | -config | -threshold | -repo-url) ((i++)) ;;
		-*) ;;
		*) ((n++)) ;;
		esac
	done
	if [[ $cur != -* ]] && ((n == 0)); then
		case $cmd in
		show | rm | compare | gate | save)
			COMPREPLY=($(compgen -W "$(_cstat_store_names baselines)" -- "$cur")) ;;
		record | history | detect | prune | export | forecast)
			COMPREPLY=($(compgen -W "$(_cstat_store_names history)" -- "$cur")) ;;
		merge) COMPREPLY=($(compgen -d -- "$cur")) ;;
		esac
		return
	fi
	_cstat_flag_or_file "$flags" "$cur"
}

complete -o default -F _cstat cstat
complete -o default -F _cregress cregress
complete -o default -F _cbaseline cbaseline
