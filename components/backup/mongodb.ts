/**
 * MongoDB (and FerretDB): the driver's BSON, laid out as mongodump lays it out
 * (`<collection>.bson` = the documents' BSON back to back, plus
 * `<collection>.metadata.json` with options and indexes), so `mongorestore`
 * can read it too. mongodump itself is not packaged in Debian 12.
 * Restore: each collection is loaded into a staging collection `_polystore_r<id>_<name>`
 * in the same database with its indexes; when every one holds the manifest's
 * count, each target is dropped and its staging collection renamed over it.
 * A failure before the switch drops only the staging collections.
 * Values keep their BSON types (Int32/Int64/Decimal128/ObjectId/Date/Binary).
 */
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BSON, MongoClient, type Db, type Document } from "mongodb";
import type { StoreConnection } from "../core/types";
import { addressOf, errorText } from "../init/adapter";
import { MONGO_LEDGER, MONGO_LOCK } from "../init/adapters/mongodb";
import { allCountDifferences, stagingName } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const GROUP = "documents per collection";
const BATCH = 1000;

export function createMongoBackup(conn: StoreConnection): BackupDriver {
  const secrets = [conn.admin.password];
  let client: MongoClient | undefined;

  async function db(): Promise<Db> {
    if (!client) {
      const o = conn.options ?? {};
      const c = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
        ...(conn.admin.user ? { auth: { username: conn.admin.user, password: conn.admin.password }, authSource: o.authSource ?? "admin" } : {}),
        ...(o.authMechanism ? { authMechanism: o.authMechanism as never } : {}),
        tls: conn.tls, directConnection: o.directConnection !== "false", serverSelectionTimeoutMS: 5_000, appName: "polystore-backup",
      });
      try {
        await c.connect();
      } catch (err) {
        await c.close().catch(() => undefined);
        throw new Error(errorText(err, secrets));
      }
      client = c;
    }
    return client.db(conn.database);
  }

  /** Data collections (views, system collections and the init lock excluded). */
  async function collections(prefixFilter = true): Promise<string[]> {
    const list = await (await db()).listCollections({}, { nameOnly: false }).toArray();
    return list
      .filter((c) => (c.type ?? "collection") === "collection" && !c.name.startsWith("system.") && c.name !== MONGO_LOCK)
      .filter((c) => !prefixFilter || !c.name.startsWith("_polystore_r"))
      .map((c) => c.name)
      .sort();
  }

  async function countAll(): Promise<Counts> {
    const d = await db();
    const out: Counts = {};
    for (const name of await collections()) out[name] = await d.collection(name).countDocuments();
    return out;
  }

  async function load(d: Db, target: string, file: string): Promise<void> {
    const coll = d.collection(target);
    let pending: Buffer<ArrayBufferLike> = Buffer.alloc(0);
    let batch: Document[] = [];
    for await (const chunk of createReadStream(file)) {
      pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const size = pending.readInt32LE(0);
        batch.push(BSON.deserialize(pending.subarray(0, size), { promoteValues: false, promoteBuffers: false, bsonRegExp: true }));
        pending = pending.subarray(size);
        if (batch.length >= BATCH) {
          await coll.insertMany(batch, { ordered: true, bypassDocumentValidation: true });
          batch = [];
        }
      }
    }
    if (pending.length) throw new Error(`mongodb: ${file} ends with ${pending.length} stray bytes (truncated BSON)`);
    if (batch.length) await coll.insertMany(batch, { ordered: true, bypassDocumentValidation: true });
  }

  const driver: BackupDriver = {
    kind: "mongodb",
    address: addressOf(conn),
    async ping() {
      try {
        await (await db()).command({ ping: 1 });
      } catch (err) {
        throw new StoreNotUpError("mongodb", driver.address, errorText(err, secrets));
      }
    },
    async dump(dir) {
      const d = await db();
      const info = await d.command({ buildInfo: 1 });
      const files: string[] = [];
      const counts: Counts = {};
      for (const name of await collections()) {
        const meta = (await d.listCollections({ name }).toArray())[0] as Document;
        const indexes = (await d.collection(name).listIndexes().toArray()).filter((i) => i.name !== "_id_");
        writeFileSync(join(dir, `${name}.metadata.json`), JSON.stringify({ collectionName: name, options: meta?.options ?? {}, indexes }, null, 1), { mode: 0o600 });
        const out = createWriteStream(join(dir, `${name}.bson`), { mode: 0o600 });
        let n = 0;
        for await (const doc of d.collection(name).find({}, { raw: true } as never)) {
          if (!out.write(doc as unknown as Buffer)) await new Promise<void>((r) => out.once("drain", () => r()));
          n++;
        }
        await new Promise<void>((r) => out.end(() => r()));
        counts[name] = n;
        files.push(`${name}.bson`, `${name}.metadata.json`);
      }
      return {
        engineVersion: `${info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion} (MongoDB wire ${info.version})` : `MongoDB ${info.version}`}`,
        method: "driver BSON export per collection in mongodump's layout (<name>.bson + <name>.metadata.json with indexes); counts are the export's",
        restoreMethod: "each collection loaded into staging collection _polystore_r<id>_<name> with its indexes, counted, then target dropped and staging renamed over it",
        files,
        counts: { [GROUP]: counts },
      };
    },
    async restore(dir, manifest, id, log) {
      const d = await db();
      const names = Object.keys(manifest.counts[GROUP] ?? {});
      const staging = (name: string) => stagingName("_polystore", id) + `_${name}`;
      const dropStaging = async () => {
        for (const n of names) await d.collection(staging(n)).drop().catch(() => undefined);
      };
      const notes: string[] = [];
      try {
        await dropStaging();
        for (const name of names) {
          log(`mongodb: loading ${name} into ${staging(name)}`);
          await d.createCollection(staging(name));
          await load(d, staging(name), join(dir, `${name}.bson`));
          const meta = JSON.parse(readFileSync(join(dir, `${name}.metadata.json`), "utf8")) as { indexes: Document[] };
          const specs = meta.indexes.map(({ v: _v, ns: _ns, ...spec }) => spec as Document);
          if (specs.length) await d.command({ createIndexes: staging(name), indexes: specs });
        }
        const found: Counts = {};
        for (const n of names) found[n] = await d.collection(staging(n)).countDocuments();
        const diff = allCountDifferences({ [GROUP]: manifest.counts[GROUP] ?? {} }, { [GROUP]: found });
        if (diff.length) throw new Error(`staging collections do not match the manifest: ${diff.join("; ")}`);
      } catch (err) {
        await dropStaging();
        throw err;
      }
      log("mongodb: switching staging collections in");
      for (const name of names) {
        await d.collection(name).drop().catch(() => undefined);
        await client!.db("admin").command({ renameCollection: `${conn.database}.${staging(name)}`, to: `${conn.database}.${name}` });
        const meta = JSON.parse(readFileSync(join(dir, `${name}.metadata.json`), "utf8")) as { options: Document };
        if (meta.options?.validator) {
          await d
            .command({ collMod: name, validator: meta.options.validator, validationLevel: meta.options.validationLevel, validationAction: meta.options.validationAction })
            .catch((err) => notes.push(`${name}: validator not restored (${errorText(err)})`));
        }
      }
      for (const n of notes) log(`mongodb: ${n}`);
    },
    async counts() {
      return { [GROUP]: await countAll() };
    },
    async ledger() {
      const rows = await (await db()).collection(MONGO_LEDGER).find({ success: true }).sort({ version: 1 }).toArray();
      return rows.map((r) => Number(r.version));
    },
    async isEmpty() {
      const d = await db();
      for (const name of await collections()) {
        if (name === MONGO_LEDGER) continue;
        if (await d.collection(name).findOne({}, { projection: { _id: 1 } })) return false;
      }
      return true;
    },
    async wipe() {
      await (await db()).dropDatabase();
    },
    async close() {
      const c = client;
      client = undefined;
      await c?.close().catch(() => undefined);
    },
  };
  return driver;
}
