// The image's HEALTHCHECK, the same for every role (the slim image has no curl): GET /healthz
// on HEALTH_PORT, where the worker and the aggregator serve it, else, when nothing listens
// there, on PORT, where the API does. Exit 0 when it answers 200, else 1.
/* global fetch, AbortSignal */

const ports = [process.env.HEALTH_PORT, process.env.PORT || '8080'].filter(
  (port, i, all) => port && port !== '0' && all.indexOf(port) === i,
);

for (const port of ports) {
  const url = `http://127.0.0.1:${port}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (response.ok) process.exit(0);
    console.error(`${url}: HTTP ${response.status}`);
    process.exit(1);
  } catch (error) {
    // Refused: this role does not serve that port; try the next one.
    if (error?.cause?.code === 'ECONNREFUSED') continue;
    console.error(`${url}: ${error?.cause?.message ?? error?.message ?? error}`);
    process.exit(1);
  }
}
console.error(`nothing answers /healthz on port ${ports.join(' or ')}`);
process.exit(1);
