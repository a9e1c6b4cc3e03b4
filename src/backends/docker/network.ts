import type { ContainerRuntimeClient } from 'testcontainers';

export interface RunNetwork {
  name: string;
  id: string;
}

/**
 * One user-defined bridge network per run: containers reach each other by network alias (Docker's embedded DNS),
 * the host reaches them only through ports published on 127.0.0.1. Created directly rather than with
 * testcontainers' Network, which cannot carry our labels.
 */
export async function createRunNetwork(client: ContainerRuntimeClient, name: string, labels: Record<string, string>): Promise<RunNetwork> {
  const network = await client.network.create({
    Name: name,
    CheckDuplicate: true,
    Driver: 'bridge',
    Internal: false,
    Attachable: false,
    EnableIPv6: false,
    Labels: labels,
  });
  return { name, id: network.id };
}
