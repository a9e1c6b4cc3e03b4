import { describe, expect, it } from 'vitest';
import { parseLddOutput } from './ldd.ts';

const DEBIAN_NODE = `	linux-vdso.so.1 (0x00007f0f2f195000)
	libdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f0f2f17e000)
	libstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0f2ee00000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0f2ec1e000)
	/lib64/ld-linux-x86-64.so.2 (0x00007f0f2f197000)
`;

describe('parseLddOutput', () => {
  it('lists the libraries and the loader, without the vDSO', () => {
    expect(parseLddOutput(DEBIAN_NODE)).toEqual([
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('refuses a binary with a missing library', () => {
    expect(() => parseLddOutput('\tlibfoo.so.1 => not found\n')).toThrow(/libfoo\.so\.1/);
  });

  it('accepts a static binary with no libraries', () => {
    expect(parseLddOutput('\tstatically linked\n')).toEqual([]);
  });
});
