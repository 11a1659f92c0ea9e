// Health probe for containers: GET /health with the bearer token the server was started with.
const token = process.env.SEMTRACE_TOKEN;
const port = process.env.SEMTRACE_PORT ?? "8080";
const headers = token ? { authorization: `Bearer ${token}` } : {};
fetch(`http://127.0.0.1:${port}/health`, { headers }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
