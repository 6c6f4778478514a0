// Service worker of the lrdepth page: keeps the page, its wasm and the
// worker files in a cache so the page opens and trains offline.
//
// Requests go to the network first, so a new deployment shows at once.
// The cache serves a request only when the network fails. On install it stores the
// page and every "./…" file the page names, plus the training worker's two
// files, which the page loads only when a sweep starts.

const CACHE = "lrdepth-v1";
const WORKER_FILES = ["worker.js", "worker_bg.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch("./", { cache: "no-cache" });
    const html = await page.clone().text();
    await cache.put("./", page);
    const named = Array.from(html.matchAll(/["'](\.\/[^"'?#]+)["']/g), (match) => match[1]);
    await cache.addAll([...new Set([...named, ...WORKER_FILES])]);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      // A page opened with any query string is the same page.
      const ignoreSearch = request.mode === "navigate";
      const cached = await cache.match(request, { ignoreSearch })
        ?? (ignoreSearch ? await cache.match("./") : undefined);
      if (cached) return cached;
      throw error;
    }
  })());
});
