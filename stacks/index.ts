/**
 * The polystore stack program: `pulumi up --stack dev|prod`.
 * Validates `polystore:*` config (every problem at once, before any resource
 * is registered), then provisions each enabled store on its target, applies
 * its init scripts once it is ready, and writes the connection secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { definePolystore } from "./program";
import { initHook } from "./init";

const program = definePolystore(loadConfig(), pulumi.getStack(), { init: initHook });

export const stores = program.outputs.stores;
export const connections = program.outputs.connections;
export const env = program.outputs.env;
export const connectionSecrets = program.outputs.connectionSecrets;
