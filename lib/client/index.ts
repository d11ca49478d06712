/** The typed API client. Node: `createClient` from here; browsers: `createCoreClient` from `./client`. */
export { createClient, filenameFromDisposition, saveResponse, type Client, type UploadFileOptions, type UploadOutcome } from "./node";
export { ApiError, createCoreClient, errorFromResponse, isFinalStatus, networkError, Transport, type ClientOptions, type CoreClient, type StageEvent } from "./client";
export { FileUrlStorage, defaultUploadStoragePath } from "./url-storage";
export { parseSse, type SseMessage } from "./sse";
export * from "./types";
