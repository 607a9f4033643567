# Sourced by ./kantor and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer, or fails with a clear message.
# Order: $JAVA_HOME if new enough; Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64); any JDK 21+ under /usr/lib/jvm.
kantor_java_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
kantor_pick_jdk() {
  local candidate
  # KANTOR_JVM_DIRS overrides where to look (a test uses it to play a machine without a new JDK).
  for candidate in "${JAVA_HOME:-}" ${KANTOR_JVM_DIRS:-/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*}; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    local feature; feature="$(kantor_java_feature "$candidate")"
    if [[ "${feature%%.*}" =~ ^[0-9]+$ && "${feature%%.*}" -ge 21 ]]; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if ! JAVA_HOME="$(kantor_pick_jdk)"; then
  echo "kantor: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, default java: $(java -version 2>&1 | head -1))." >&2
  echo "kantor: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
