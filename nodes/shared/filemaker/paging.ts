/**
 * Paging through a Data API range or find.
 *
 * Offsets are 1-based. The next page is requested only when the last one was full AND the server's
 * count (dataInfo.foundCount) says there is more, so N records take exactly ceil(N / pageSize)
 * requests (one request when there are none) and no request ever asks for a page past the end.
 * Without dataInfo (old servers) a full page means "maybe more"; the next request then answers
 * code 401 (no records), which is read as an empty page.
 */

/** Default page size; see the "Page Size" option for the reasoning. */
export const DEFAULT_PAGE_SIZE = 1000;

export function shouldFetchNextPage(args: {
	/** 1-based offset the page was requested with. */
	offset: number;
	limit: number;
	returned: number;
	/** dataInfo.foundCount, when the server sent it. */
	foundCount?: number;
}): boolean {
	const { offset, limit, returned, foundCount } = args;
	if (returned <= 0 || returned < limit) return false;
	if (foundCount === undefined) return true;
	return offset - 1 + returned < foundCount;
}

/** ceil(total / pageSize), at least 1: the number of requests a full read makes. */
export function expectedPageRequests(total: number, pageSize: number): number {
	return Math.max(1, Math.ceil(total / pageSize));
}
