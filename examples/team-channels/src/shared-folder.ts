import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder both teams' FileChannels share, in a fresh temp dir. `path` is a symlink to the real
 * folder, standing in for a mount point: {@link break} swaps it, atomically, for a link to a plain
 * file, so every file operation under it fails for real with ENOTDIR (the example runs as root
 * on CI, where chmod would not stop anything; deleting the folder would not either, since a
 * FileChannel recreates its folders). {@link restore} swaps the real folder back, its files intact.
 */
export class SharedFolder {
  /** The temp dir holding everything: the real folder, the blocker file and the link. */
  readonly root: string;
  /** What the FileChannels are given: `<root>/channels`, a symlink. */
  readonly path: string;
  readonly #real: string;
  readonly #blocker: string;
  #broken = false;

  private constructor(root: string) {
    this.root = root;
    this.path = join(root, 'channels');
    this.#real = join(root, 'channels-real');
    this.#blocker = join(root, 'channels-unplugged');
  }

  /** Create the temp dir, the real folder and the link to it. */
  static async create(prefix = 'rampart-team-channels-'): Promise<SharedFolder> {
    const folder = new SharedFolder(await mkdtemp(join(tmpdir(), prefix)));
    await mkdir(folder.#real);
    await writeFile(folder.#blocker, 'the shared folder is unplugged\n');
    await symlink(folder.#real, folder.path, 'dir');
    return folder;
  }

  get broken(): boolean {
    return this.#broken;
  }

  /** Point the link at the plain file (atomic rename over the link). */
  async break(): Promise<void> {
    await this.#pointAt(this.#blocker);
    this.#broken = true;
  }

  /** Point the link at the real folder again. */
  async restore(): Promise<void> {
    await this.#pointAt(this.#real);
    this.#broken = false;
  }

  /** Delete the temp dir and everything in it. */
  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  async #pointAt(target: string): Promise<void> {
    const next = `${this.path}.next`;
    await rm(next, { force: true });
    await symlink(target, next);
    await rename(next, this.path);
  }
}
