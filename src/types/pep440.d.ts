// @renovate/pep440 ships no types: the part of its API the pep440 tag rule uses.
declare module '@renovate/pep440' {
  interface Explained {
    is_prerelease: boolean;
    is_postrelease: boolean;
    is_devrelease: boolean;
  }
  const pep440: {
    valid(version: string): string | null;
    clean(version: string): string;
    explain(version: string): Explained;
    major(version: string): number;
    minor(version: string): number;
    patch(version: string): number;
  };
  export default pep440;
}
