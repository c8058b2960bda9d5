# Sourced by bin/demo and bin/test: make .venv hold the packages of one requirements file.
# Usage: ensure_venv requirements.txt

PIP_VERSION=26.3

ensure_venv() {
    local requirements="$1"
    local python="${PYTHON:-python3.11}"
    if [ ! -x .venv/bin/python ]; then
        if ! command -v "$python" >/dev/null 2>&1; then
            echo "C2F needs Python 3.11 ($python not found; set PYTHON=/path/to/python3.11)." >&2
            exit 1
        fi
        echo "==> Creating .venv with $python"
        "$python" -m venv .venv
    fi
    # Reinstall only when a requirements file changed since the last install.
    local stamp=".venv/.c2f-${requirements%.txt}.sha256"
    local digest
    digest="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    echo "==> Installing $requirements into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION"
    # XStatic-Bootstrap ships only an sdist whose build needs setuptools<81.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        --build-constraint requirements-build.txt -r "$requirements"
    echo "$digest" >"$stamp"
}
