# Sourced by the project's tests (tests/t-*): the result lines that
# tests/check/own collects, and a temporary directory.  Before sourcing,
# set top to the project's top directory ($(cd "$(dirname "$0")/.." &&
# pwd -P): the VM sees only physical paths).
#
#   pass NAME                  print "PASS: NAME"
#   fail NAME [FILE]           print "FAIL: NAME", then FILE (its first and
#                              last 15 lines if it is longer than 30)
#   skip NAME                  print "SKIP: NAME"
#   check NAME COMMAND...      run COMMAND (output to $tmp/log): pass or fail
#   expect_lines NAME FILE LINE...
#                              pass if each LINE is a whole line of FILE,
#                              else fail showing the first missing one and
#                              FILE
#   finish                     exit 1 if anything failed, else 0
#   $tmp                       a directory removed at exit

failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass () { echo "PASS: $1"; }
skip () { echo "SKIP: $1"; }
fail ()
{
  echo "FAIL: $1"
  [ $# -lt 2 ] || awk '{ l[NR] = $0 }
    END { for (i = 1; i <= NR; i++)
	    if (NR <= 30 || i <= 15 || i > NR - 15) print "    " l[i]
	    else if (i == 16) print "    ..." }' "$2"
  failed=1
}
check ()
{
  _name=$1
  shift
  if "$@" > "$tmp/log" 2>&1; then
    pass "$_name"
  else
    fail "$_name" "$tmp/log"
  fi
}
expect_lines ()
{
  _name=$1 _file=$2
  shift 2
  for _l in "$@"; do
    if ! grep -qxF -- "$_l" "$_file"; then
      { echo "no line '$_l' in $_file:"; cat "$_file"; } > "$tmp/why"
      fail "$_name" "$tmp/why"
      return 1
    fi
  done
  pass "$_name"
}
finish () { exit "$failed"; }
