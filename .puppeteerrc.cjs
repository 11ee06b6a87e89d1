// No browser can be downloaded here: tests drive Debian's chromium (CHROME_PATH or /usr/bin/chromium).
module.exports = { skipDownload: true };
