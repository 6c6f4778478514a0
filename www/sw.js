// Service worker of the lrdepth page: keeps the page, its wasm and the
// training worker's files in a cache so the page opens and trains offline.
//
// Requests go to the network first, so a new deployment shows at once.
// The cache serves a request only when the network fails. Every time the
// page itself loads from the network, the cache is brought in line with
// it: the files it names ("./…" in quotes), the training worker's two
// files, which the page loads only when a sweep starts, and nothing else.

const CACHE = "lrdepth-v1";
const PAGE = "./";
const WORKER_FILES = ["worker.js", "worker_bg.wasm"];

// Stores the files that the page `html` needs and drops every other file.
async function storeShell(cache, html) {
  const named = Array.from(html.matchAll(/["'](\.\/[^"'?#]+)["']/g), (match) => match[1]);
  const scope = self.registration.scope;
  const keep = new Set([...named, ...WORKER_FILES].map((path) => new URL(path, scope).href));
  await cache.addAll([...keep]);
  for (const request of await cache.keys()) {
    if (request.url !== scope && !keep.has(request.url)) await cache.delete(request);
  }
}

// Stores a response of the page under one key, whatever its query, and
// the files it names.
async function storePage(response) {
  const cache = await caches.open(CACHE);
  await cache.put(PAGE, response.clone());
  await storeShell(cache, await response.text());
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const response = await fetch(PAGE, { cache: "no-cache" });
    if (!response.ok) throw new Error(`the page returned ${response.status}`);
    await storePage(response);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const stored = storePage(response.clone()).catch((error) => {
              console.warn("lrdepth: could not update the offline cache:", error);
            });
            event.waitUntil(stored);
          }
          return response;
        })
        .catch(async () => (await caches.match(PAGE)) ?? Response.error()),
    );
    return;
  }
  event.respondWith(
    fetch(request)
      .then(async (response) => {
        if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
        return response;
      })
      .catch(async () => (await caches.match(request)) ?? Response.error()),
  );
});
