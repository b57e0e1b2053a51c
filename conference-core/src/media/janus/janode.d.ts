/**
 * The subset of janode 1.8 (ships no types) that `janus-client.ts` uses. Only that file imports
 * janode; everything else goes through its typed wrapper.
 */
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface JanodeServerConfig {
    address: { url: string; apisecret?: string } | { url: string; apisecret?: string }[];
    retry_time_secs?: number;
    max_retries?: number;
    is_admin?: boolean;
  }

  export interface JanodeConnection extends EventEmitter {
    create(keepaliveSeconds?: number): Promise<JanodeSession>;
    getInfo(): Promise<Record<string, unknown>>;
    close(): Promise<void>;
  }

  export interface JanodeSession extends EventEmitter {
    readonly id: number;
    attach<H extends JanodeHandle>(plugin: JanodePluginDescriptor<H>): Promise<H>;
    destroy(): Promise<void>;
  }

  export interface JanodeHandle extends EventEmitter {
    readonly id: number;
    message(body: Record<string, unknown>, jsep?: unknown): Promise<Record<string, unknown>>;
    trickle(candidate: unknown): Promise<void>;
    trickleComplete(): Promise<void>;
    hangup(): Promise<void>;
    detach(): Promise<void>;
  }

  export interface JanodePluginDescriptor<H extends JanodeHandle> {
    readonly id: string;
    readonly Handle: new (...args: never[]) => H;
    readonly EVENT: Record<string, string>;
  }

  const Janode: {
    connect(config: JanodeServerConfig): Promise<JanodeConnection>;
    readonly EVENT: Record<string, string>;
    readonly Logger: { setLevel(level: string): void };
  };
  export default Janode;
}

declare module 'janode/plugins/audiobridge' {
  import type { JanodeHandle, JanodePluginDescriptor } from 'janode';

  export interface JanodeAudioBridgeHandle extends JanodeHandle {
    create(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    destroy(params: { room: number; secret?: string }): Promise<unknown>;
    join(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    configure(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    mute(params: { room: number; feed: number; secret?: string }): Promise<unknown>;
    unmute(params: { room: number; feed: number; secret?: string }): Promise<unknown>;
    kick(params: { room: number; feed: number; secret?: string }): Promise<unknown>;
    listParticipants(params: { room: number }): Promise<{ participants: Record<string, unknown>[] }>;
    leave(): Promise<unknown>;
  }
  const plugin: JanodePluginDescriptor<JanodeAudioBridgeHandle>;
  export default plugin;
}

declare module 'janode/plugins/videoroom' {
  import type { JanodeHandle, JanodePluginDescriptor } from 'janode';

  export interface JanodeVideoRoomHandle extends JanodeHandle {
    create(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    destroy(params: { room: number; secret?: string }): Promise<unknown>;
    joinConfigurePublisher(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    configure(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    joinSubscriber(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    start(params: { jsep: unknown }): Promise<unknown>;
    listParticipants(params: { room: number }): Promise<{ participants: Record<string, unknown>[] }>;
    leave(): Promise<unknown>;
  }
  const plugin: JanodePluginDescriptor<JanodeVideoRoomHandle>;
  export default plugin;
}
