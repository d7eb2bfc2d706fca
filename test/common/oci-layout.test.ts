import { describe, expect, test } from '@jest/globals';
import { ociArch } from '../../src/common/oci-layout.js';

describe('ociArch', () => {
  test.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['armv7l', 'arm'],
    ['armv6l', 'arm'],
    ['i686', '386'],
    ['s390x', 's390x'],
    ['ppc64le', 'ppc64le'],
    ['riscv64', 'riscv64']
  ])('a CPU Node or the kernel calls %s is OCI architecture %s', (name, arch) => {
    expect(ociArch(name)).toBe(arch);
  });
});
