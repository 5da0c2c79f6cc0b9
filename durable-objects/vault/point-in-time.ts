import { badParameter } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";

/** Cloudflare's SQLite-backed Durable Objects keep 30 days of point-in-time history. */
export const POINT_IN_TIME_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The two storage methods point-in-time recovery needs, absent from back-ends without it. */
interface PointInTimeStorage {
  getBookmarkForTime?: (timestamp: number | Date) => Promise<string>;
  onNextSessionRestoreBookmark?: (bookmark: string) => Promise<string>;
}

/**
 * Point-in-time recovery of this vault's object (docs/vault-snapshots.md "Point in time"): where the storage back-end
 * offers it, finds the bookmark for `atMs` and asks for it to be restored when the object next starts; the caller
 * then ends this session (ctx.abort), so the next request meets the vault as it was. Feature-detected: a back-end
 * without the methods, or one that refuses (local workerd answers that it does not implement point-in-time
 * recovery), is a 400 naming why, and nothing is changed.
 */
export async function bookmarkRestore(storage: DurableObjectStorage, atMs: number, nowMs: number): Promise<Result<{ bookmark: string }>> {
  if (!Number.isFinite(atMs) || atMs > nowMs || atMs < nowMs - POINT_IN_TIME_WINDOW_MS) {
    return fail(badParameter("The time to restore to must be within the last 30 days and not in the future."));
  }
  const pit = storage as DurableObjectStorage & PointInTimeStorage;
  if (typeof pit.getBookmarkForTime !== "function" || typeof pit.onNextSessionRestoreBookmark !== "function") {
    return fail(badParameter("Point-in-time restore is not available: this storage back-end has no point-in-time recovery."));
  }
  try {
    const bookmark = await pit.getBookmarkForTime(atMs);
    await pit.onNextSessionRestoreBookmark(bookmark);
    return ok({ bookmark });
  } catch (error) {
    return fail(badParameter(`Point-in-time restore is not available: ${error instanceof Error ? error.message : String(error)}`));
  }
}
