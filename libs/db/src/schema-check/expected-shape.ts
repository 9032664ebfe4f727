import {
  PrismaSchemaError,
  type DefaultValue,
  type IndexField,
  type PrismaEnum,
  type PrismaField,
  type PrismaModel,
  type PrismaSchema,
  type SourceLocation,
} from './prisma-schema.types.js';
import {
  classifyDefault,
  defaultConstraintName,
  normalizeType,
  type ColumnDefault,
  type ColumnShape,
  type DatabaseShape,
  type ForeignKeyShape,
  type KeyShape,
  type TableShape,
} from './schema-shape.js';
import { nativeColumnType, scalarColumnType } from './column-types.js';

/** The database shape Prisma's PostgreSQL connector would create for a parsed schema. */

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

class ShapeBuilder {
  private readonly models = new Map<string, PrismaModel>();
  private readonly enums = new Map<string, PrismaEnum>();

  constructor(private readonly schema: PrismaSchema) {
    for (const model of schema.models) this.models.set(model.name, model);
    for (const e of schema.enums) this.enums.set(e.name, e);
  }

  build(): DatabaseShape {
    return {
      schemas: [...this.schema.schemas],
      enums: this.schema.enums.map((e) => ({
        schema: this.schemaOf(e.schema, e.location),
        name: e.dbName,
        values: e.values.map((v) => v.dbName),
      })),
      tables: this.schema.models.map((model) => this.table(model)),
    };
  }

  private schemaOf(declared: string | undefined, at: SourceLocation): string {
    if (declared === undefined) {
      if (this.schema.multiSchema)
        throw new PrismaSchemaError(at, 'missing @@schema (the datasource lists schemas)');
      return 'public';
    }
    if (!this.schema.schemas.includes(declared)) {
      throw new PrismaSchemaError(at, `@@schema("${declared}") is not in the datasource's schemas`);
    }
    return declared;
  }

  private field(model: PrismaModel, name: string, at: SourceLocation): PrismaField {
    const field = model.fields.find((f) => f.name === name);
    if (!field) throw new PrismaSchemaError(at, `model ${model.name} has no field ${name}`);
    return field;
  }

  private columnName(model: PrismaModel, name: string, at: SourceLocation): string {
    const field = this.field(model, name, at);
    if (this.models.has(field.type)) throw new PrismaSchemaError(at, `${name} is a relation, not a column`);
    return field.map ?? field.name;
  }

  private keyColumns(model: PrismaModel, fields: IndexField[], at: SourceLocation): string[] {
    return fields.map((f) => this.columnName(model, f.name, at) + (f.sort === 'Desc' ? ' DESC' : ''));
  }

  private table(model: PrismaModel): TableShape {
    const name = model.dbName;
    const key = (fields: IndexField[], at: SourceLocation, suffix: 'pkey' | 'key' | 'idx', map?: string) => {
      const columns = this.keyColumns(model, fields, at);
      const plain = columns.map((c) => c.replace(/ DESC$/, ''));
      return { name: map ?? defaultConstraintName(name, plain, suffix), columns } satisfies KeyShape;
    };
    const scalars = model.fields.filter((f) => !this.models.has(f.type));
    const idField = model.fields.find((f) => f.id);
    if (idField && model.id)
      throw new PrismaSchemaError(model.location, `${model.name} has both @id and @@id`);
    const primaryKey = idField
      ? key([{ name: idField.name, sort: 'Asc' }], idField.location, 'pkey', idField.id?.map)
      : model.id
        ? key(model.id.fields, model.location, 'pkey', model.id.map)
        : null;
    const fieldUniques = scalars.flatMap((f) =>
      f.unique ? [key([{ name: f.name, sort: f.unique.sort }], f.location, 'key', f.unique.map)] : [],
    );
    return {
      schema: this.schemaOf(model.schema, model.location),
      name,
      columns: scalars.map((f) => this.column(f)),
      primaryKey,
      uniques: [...fieldUniques, ...model.uniques.map((u) => key(u.fields, model.location, 'key', u.map))],
      indexes: model.indexes.map((i) => key(i.fields, model.location, 'idx', i.map)),
      foreignKeys: this.schema.relationMode === 'prisma' ? [] : this.foreignKeys(model),
    };
  }

  private column(field: PrismaField): ColumnShape {
    if (field.relation)
      throw new PrismaSchemaError(field.location, `@relation on ${field.name}, which is not a relation`);
    return {
      name: field.map ?? field.name,
      type: normalizeType(this.columnType(field) + (field.list ? '[]' : '')),
      // Prisma's PostgreSQL DDL leaves scalar-list columns nullable.
      nullable: field.optional || field.list,
      default: field.default ? this.columnDefault(field, field.default) : { kind: 'none' },
    };
  }

  private columnType(field: PrismaField): string {
    const enumType = this.enums.get(field.type);
    if (enumType) {
      if (field.native) throw new PrismaSchemaError(field.location, 'a native type on an enum field');
      return `${this.schemaOf(enumType.schema, enumType.location)}.${enumType.dbName}`;
    }
    const scalar = scalarColumnType(field.type);
    if (scalar === undefined)
      throw new PrismaSchemaError(field.location, `unsupported field type ${field.type}`);
    if (!field.native) return scalar;
    const native = nativeColumnType(field.native);
    if (native === undefined) {
      const { name, args } = field.native;
      throw new PrismaSchemaError(field.location, `unsupported native type @db.${name}(${args.join(', ')})`);
    }
    return native;
  }

  private columnDefault(field: PrismaField, value: DefaultValue): ColumnDefault {
    switch (value.kind) {
      case 'autoincrement':
        return { kind: 'sequence' };
      case 'now':
        return { kind: 'now' };
      case 'client':
        return { kind: 'none' };
      case 'dbgenerated':
        return value.sql === null ? { kind: 'any' } : classifyDefault(value.sql);
      case 'string':
        return classifyDefault(quoteLiteral(value.value));
      case 'number':
        return classifyDefault(value.raw);
      case 'boolean':
        return { kind: 'sql', sql: String(value.value) };
      case 'emptyList':
        return { kind: 'sql', sql: 'ARRAY[]' };
      case 'enum': {
        const enumType = this.enums.get(field.type);
        const member = enumType?.values.find((v) => v.name === value.value);
        if (!member)
          throw new PrismaSchemaError(
            field.location,
            `default ${value.value} is not a value of ${field.type}`,
          );
        return classifyDefault(quoteLiteral(member.dbName));
      }
    }
  }

  private foreignKeys(model: PrismaModel): ForeignKeyShape[] {
    return model.fields.flatMap((field) => {
      const target = this.models.get(field.type);
      if (!target) return [];
      const relation = field.relation ?? {};
      if (!relation.fields && !relation.references) {
        this.rejectImplicitManyToMany(model, field, target);
        return [];
      }
      if (!relation.fields || !relation.references || relation.fields.length !== relation.references.length) {
        throw new PrismaSchemaError(
          field.location,
          '@relation needs fields and references of the same length',
        );
      }
      const columns = relation.fields.map((f) => this.columnName(model, f, field.location));
      const table = model.dbName;
      return [
        {
          name: relation.map ?? defaultConstraintName(table, columns, 'fkey'),
          columns,
          refSchema: this.schemaOf(target.schema, target.location),
          refTable: target.dbName,
          refColumns: relation.references.map((f) => this.columnName(target, f, field.location)),
          onDelete: relation.onDelete ?? (field.optional ? 'SetNull' : 'Restrict'),
          onUpdate: relation.onUpdate ?? 'Cascade',
        },
      ];
    });
  }

  private rejectImplicitManyToMany(model: PrismaModel, field: PrismaField, target: PrismaModel): void {
    if (!field.list) return;
    const name = field.relation?.name;
    const back = target.fields.find(
      (f) => f.type === model.name && f !== field && f.relation?.name === name && f.list,
    );
    if (back)
      throw new PrismaSchemaError(field.location, 'implicit many-to-many relations are not supported');
  }
}

export function expectedShape(schema: PrismaSchema): DatabaseShape {
  return new ShapeBuilder(schema).build();
}
