import { SetMetadata } from '@nestjs/common';

export const JOB_METADATA = 'usp:job';

export interface JobMetadata {
  name: string;
  description: string;
}

/** Marks a provider implementing JobHandler as the job `POST /jobs/<name>`. */
export const Job = (metadata: JobMetadata): ClassDecorator => SetMetadata(JOB_METADATA, metadata);
