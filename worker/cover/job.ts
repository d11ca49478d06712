import { PermanentJobError, type JobHandler } from "../runner";

// replaced by the real handler in the next commit
export const cover: JobHandler = async () => {
  throw new PermanentJobError("song covers are not built yet");
};
