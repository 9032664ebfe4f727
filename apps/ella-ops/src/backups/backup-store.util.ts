import { fileURLToPath } from 'node:url';
import { GcsObjectStore, LocalFolderStore, type ObjectStore } from '@app/google';

/** An instance's backup destination: the store and the prefix its objects' names start with. */
export interface BackupDestination {
  store: ObjectStore;
  prefix: string;
}

/** `gs://bucket/prefix` (Cloud Storage) or `file:///path` (a folder, locally). */
export function destinationOf(backupUrl: string): BackupDestination {
  if (backupUrl.startsWith('gs://')) {
    const [bucket = '', ...rest] = backupUrl.slice('gs://'.length).split('/');
    const prefix = rest.filter((part) => part !== '').join('/');
    return { store: new GcsObjectStore({ bucket }), prefix: prefix === '' ? '' : `${prefix}/` };
  }
  return { store: new LocalFolderStore(fileURLToPath(backupUrl)), prefix: '' };
}
