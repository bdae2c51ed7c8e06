#!/usr/bin/env bash
# Debian packages the app and its tests need beyond Python:
#   chromium            browser tests (Playwright drives Debian's Chromium)
#   fonts-noto-core, fonts-noto-cjk   PDFs in every script
#   libharfbuzz-subset0 fast font subsetting in WeasyPrint
#   qpdf                the PDF tests check every kind of document with `qpdf --check`
#   Java and npm        the markup check (the Nu HTML Checker, vnu.jar, from npm): any Java and npm on the
#                       PATH will do; default-jre-headless and npm only when there are none
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail

wanted=(chromium fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 qpdf)
command -v java >/dev/null || wanted+=(default-jre-headless)
command -v npm >/dev/null || wanted+=(npm)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "!!! Missing Debian packages: ${missing[*]}" >&2
  echo "!!! Install them with: sudo apt-get install -y ${missing[*]}" >&2
  echo "!!! (browser tests and the markup check are skipped and PDFs may lack fonts until then)" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
