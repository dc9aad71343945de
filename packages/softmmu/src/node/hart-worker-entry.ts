/**
 * The Node entry of a hart worker: runs machine/hart-worker.ts's runHartWorker over the
 * port it was given (receiveMessageOnPort lets the hart read relayed modules without
 * returning to the event loop).
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { type HartMessage, type HartWorkerData, runHartWorker } from "../machine/hart-worker.js";
import { nodeClock } from "./index.js";

const { data, port } = workerData as { data: HartWorkerData; port: MessagePort };
runHartWorker(data, {
  post: (m: HartMessage) => port.postMessage(m),
  poll: () => receiveMessageOnPort(port)?.message as HartMessage | undefined,
}, nodeClock);
port.close();
