#!/usr/bin/env bash
# Prints the path of a Python interpreter that is 3.12 or newer, or explains what to install.
# Order: $PYTHON, the version named in .python-version (through pyenv or on PATH), then any
# python3.13 / python3.12 / python3 on PATH or under ~/.pyenv.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
wanted="$(tr -d '[:space:]' < "$root/.python-version" 2>/dev/null || true)"

is_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
if [ -n "$wanted" ]; then
    candidates+=("python$wanted")
    if command -v pyenv >/dev/null 2>&1; then
        p="$(pyenv prefix "$wanted" 2>/dev/null | head -n1)"
        [ -n "$p" ] && candidates+=("$p/bin/python")
    fi
    for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$wanted"*; do
        [ -x "$d/bin/python" ] && candidates+=("$d/bin/python")
    done
fi
candidates+=(python3.14 python3.13 python3.12 python3)
for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*; do
    [ -x "$d/bin/python" ] && candidates+=("$d/bin/python")
done

for c in "${candidates[@]}"; do
    path="$(command -v "$c" 2>/dev/null || true)"
    if [ -n "$path" ] && is_ok "$path"; then
        "$path" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

cat >&2 <<MSG
Impulsa needs Python 3.12 or newer (Django 6.1 requires it), and none was found.
Looked at: \$PYTHON, python${wanted:-3.12} (pyenv and PATH), python3.14, python3.13, python3.12, python3.
Install one, for example:  pyenv install 3.12   or   apt-get install python3.12 python3.12-venv
or point to it:            make run PYTHON=/path/to/python3.12
MSG
exit 1
