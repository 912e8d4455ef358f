#!/bin/sh
# Writes proflens(1) to standard output, from the help the binary prints: the overview, every
# subcommand's help (the subcommands are those `proflens --help` lists) and the exit codes
# (from the overview's "Exit codes:" sentence). The same binary gives the same page: no date,
# help wrapped at 80 columns.
#
#   scripts/manpage.sh .build/release/proflens > proflens.1
#
# (swift-argument-parser's generate-manual plugin works too, but it rebuilds the whole package
# and its EXIT STATUS section is the generic "exits 0 on success, and >0 if an error occurs".)
set -eu

bin=${1:?usage: manpage.sh PROFLENS-BINARY}
COLUMNS=80
LC_ALL=C
export COLUMNS LC_ALL

# roff-safe text: backslashes and hyphens escaped, no line starting with a control character.
escape() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

# One paragraph of the overview, joined into one line: the first line that matches $1 to the
# next empty line.
paragraph() {
    awk -v start="$1" '
        !on && $0 ~ start { on = 1 }
        on && /^$/ { exit }
        on { sub(/^OVERVIEW: /, ""); text = text (text == "" ? "" : " ") $0 }
        END { print text }'
}

help=$("$bin" --help)
version=$("$bin" --version)
abstract=$(printf '%s\n' "$help" | paragraph '^OVERVIEW: ' | sed 's/\.$//')
exits=$(printf '%s\n' "$help" | paragraph '^Exit codes: ' | sed -e 's/^Exit codes: //' -e 's/\.$//')
subcommands=$(printf '%s\n' "$help" | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')

if [ -z "$subcommands" ] || [ -z "$exits" ]; then
    echo "manpage.sh: $bin --help lists no subcommands or no exit codes" >&2
    exit 1
fi

printf '.\\" proflens(1), written by scripts/manpage.sh from proflens --help.\n'
printf '.TH PROFLENS 1 "" "proflens %s" "User Commands"\n' "$version"
printf '.SH NAME\nproflens \\- %s\n' "$(printf '%s\n' "$abstract" | escape)"
printf '.SH SYNOPSIS\n.B proflens\n.I subcommand\n.RI [ options ]\n.I profile\n\\&...\n.br\n'
printf '.B proflens help\n.I subcommand\n'
printf '.SH DESCRIPTION\n'
printf '%s\n' "$abstract." | escape
printf '.PP\nThe subcommands:\n'
for name in $subcommands; do
    summary=$(printf '%s\n' "$help" | awk -v name="$name" '
        /^SUBCOMMANDS:/ { on = 1; next }
        on && $1 == name && /^  [a-z]/ { grab = 1; sub(/^  [^ ]+ */, ""); text = $0; next }
        grab && /^                  / { sub(/^ +/, ""); text = text " " $0; next }
        grab { exit }
        END { print text }')
    printf '.TP\n.B %s\n' "$name"
    printf '%s\n' "$summary" | escape
done
printf '.SH COMMANDS\n'
for name in $subcommands; do
    printf '.SS "proflens %s"\n.nf\n' "$name"
    "$bin" help "$name" | escape
    printf '.fi\n'
done
printf '.SH EXIT STATUS\n'
printf '%s\n' "$exits" | tr ';' '\n' | sed 's/^ *//' | while read -r code meaning; do
    printf '.TP\n.B %s\n' "$code"
    printf '%s\n' "$meaning" | escape
done
printf '.SH SEE ALSO\n.ad l\n.BR go (1);\n'
printf 'pprof: https://github.com/google/pprof/blob/main/doc/README.md\n'
