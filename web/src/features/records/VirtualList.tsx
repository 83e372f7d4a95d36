/**
 * A window-scrolled virtual list: only the rows near the viewport are in the DOM, so a
 * timeline of thousands of records renders and scrolls at once. Row heights are known up
 * front (per row type), so positions are a prefix sum and finding the first visible row is a
 * binary search.
 */

import type { ReactNode } from "react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";

export interface VirtualListProps<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  itemHeight: (item: T) => number;
  renderItem: (item: T, index: number) => ReactNode;
  /** Extra pixels rendered above and below the viewport (less while scrolling fast). */
  overscan?: number;
  label: string;
}

/** Overscan while the list scrolls by more than a screen per frame, and when it counts as settled. */
const FAST_OVERSCAN = 120;
const SETTLE_MS = 150;

/** The index of the last offset ≤ y (offsets ascending, offsets[0] = 0). */
export function findIndex(offsets: readonly number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function VirtualList<T>(props: VirtualListProps<T>): ReactNode {
  const { items, itemKey, itemHeight, renderItem, overscan = 600, label } = props;
  const ref = useRef<HTMLDivElement>(null);
  const offsets = useMemo(() => {
    const out = new Array<number>(items.length + 1);
    out[0] = 0;
    for (let i = 0; i < items.length; i += 1) out[i + 1] = (out[i] ?? 0) + itemHeight(items[i] as T);
    return out;
  }, [items, itemHeight]);
  const total = offsets[items.length] ?? 0;
  const [range, setRange] = useState<[number, number]>([0, Math.min(items.length, 30)]);

  /** Render the rows within `pad` pixels of the viewport. */
  const measure = useCallback(
    (pad: number = overscan) => {
      const el = ref.current;
      if (el === null) return;
      const top = el.getBoundingClientRect().top;
      const viewport = window.innerHeight;
      const start = Math.max(0, -top - pad);
      const end = Math.max(0, -top + viewport + pad);
      const first = Math.min(items.length, findIndex(offsets, start));
      const last = Math.min(items.length, findIndex(offsets, end) + 1);
      setRange((r) => (r[0] === first && r[1] === last ? r : [first, last]));
    },
    [items.length, offsets, overscan],
  );

  useLayoutEffect(() => measure(), [measure]);
  useEffect(() => {
    let frame = 0;
    // Where the list was at the last frame (from the start: a jump from rest, the End key or a
    // scrollbar drag, is fast too), and the timer that widens the window again after a fast scroll.
    let lastTop: number | null = ref.current?.getBoundingClientRect().top ?? null;
    let settle: ReturnType<typeof setTimeout> | undefined;
    const onScroll = (): void => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        const top = ref.current?.getBoundingClientRect().top ?? null;
        // A jump of more than a screen between two frames replaces every row: render the
        // screen and a little (frames stay short), the full overscan once scrolling settles.
        const fast = top !== null && lastTop !== null && Math.abs(top - lastTop) > window.innerHeight;
        lastTop = top;
        clearTimeout(settle);
        if (fast) settle = setTimeout(() => measure(), SETTLE_MS);
        measure(fast ? Math.min(overscan, FAST_OVERSCAN) : overscan);
      });
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll);
    return () => {
      window.removeEventListener("scroll", onScroll);
      window.removeEventListener("resize", onScroll);
      if (frame !== 0) cancelAnimationFrame(frame);
      clearTimeout(settle);
    };
  }, [measure, overscan]);

  const rows: ReactNode[] = [];
  for (let i = range[0]; i < range[1]; i += 1) {
    const item = items[i];
    if (item === undefined) continue;
    rows.push(
      <div
        key={itemKey(item)}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className="vrow"
        style={{ transform: `translateY(${offsets[i] ?? 0}px)`, height: itemHeight(item) }}
      >
        {renderItem(item, i)}
      </div>,
    );
  }
  return (
    <div ref={ref} role="list" aria-label={label} className="vlist" style={{ height: total }} data-rows={items.length}>
      {rows}
    </div>
  );
}
