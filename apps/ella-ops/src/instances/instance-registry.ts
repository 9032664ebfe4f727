import { NotFoundException } from '@nestjs/common';
import type { EllaInstance } from './instance.types.js';

/** The configured instances by name; an unknown name is a 404 naming it. */
export class InstanceRegistry {
  private readonly byName: Map<string, EllaInstance>;

  constructor(readonly instances: readonly EllaInstance[]) {
    this.byName = new Map(instances.map((instance) => [instance.name, instance]));
  }

  get(name: string): EllaInstance {
    const instance = this.byName.get(name);
    if (instance === undefined)
      throw new NotFoundException(`no ELLA instance is named "${name.slice(0, 60)}"`);
    return instance;
  }

  /** The failover standing in for a primary, or the primary a failover stands in for. */
  partnersOf(instance: EllaInstance): EllaInstance[] {
    if (instance.role === 'failover')
      return instance.primary === undefined ? [] : [this.get(instance.primary)];
    if (instance.role === 'primary') return this.instances.filter((i) => i.primary === instance.name);
    return [];
  }
}
