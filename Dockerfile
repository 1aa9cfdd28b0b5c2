# The image 'k8s job' runs: the benchmark jar on a JRE. Build the jar first (mvn -DskipTests package), then
#   docker build -t <registry>/sessionbench:<tag> .
# The Job sets the command (java -jar /app/benchmarks.jar load …); targets come from a Secret as SESSIONBENCH_* variables.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 sessionbench && mkdir -p /app /results && chown sessionbench /results
COPY target/benchmarks.jar /app/benchmarks.jar
USER 10001
WORKDIR /app
ENTRYPOINT []
CMD ["java", "-jar", "/app/benchmarks.jar", "--help"]
