-- "Isolate vocals" for a whole experiment (issue 19): each new upload is separated after ingest
ALTER TABLE "Experiment" ADD COLUMN "isolateVocals" BOOLEAN NOT NULL DEFAULT false;
