//! The binaries' allocator: the system's, with large blocks placed on huge pages.
//!
//! The tag stage walks each language's DFA (several MB of transitions) a byte of
//! text at a time, landing on states spread over the whole table. On 4 KiB pages
//! nearly every step is a TLB miss; on 2 MiB pages the same walk costs about 15%
//! less (BENCHMARKS.md, "Huge pages for the models"). Linux's usual transparent
//! huge page mode is `madvise`: pages come only to memory that asks for them, so
//! blocks of [`LARGE`] bytes and more are aligned to a huge page and advised.
//! Smaller blocks, nearly all of them, go to the system allocator untouched.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, asking for transparent huge pages on large blocks.
pub struct HugePages;

/// A transparent huge page on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks from this size up get huge pages. Half a page: a smaller block would
/// waste more than it covers.
pub const LARGE: usize = HUGE_PAGE / 2;

fn is_large(layout: Layout) -> bool {
    layout.size() >= LARGE
}

/// The layout a large block is allocated with: aligned to a huge page, so that the
/// block's pages can be huge ones from its first byte.
fn aligned(layout: Layout) -> Layout {
    // A size that fits `layout` fits a larger power-of-two alignment's layout too,
    // unless it overflows, which `from_size_align` reports.
    Layout::from_size_align(layout.size(), layout.align().max(HUGE_PAGE)).unwrap_or(layout)
}

#[cfg(target_os = "linux")]
fn advise(block: *mut u8, size: usize) {
    // SAFETY: `block..block + size` is a live allocation of ours; the advice changes
    // how the kernel backs it, never its contents. Failure (huge pages disabled)
    // leaves ordinary pages, which is correct, so the result is ignored.
    unsafe {
        libc::madvise(block.cast(), size, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_block: *mut u8, _size: usize) {}

// SAFETY: every block comes from `System` with the layout it is later freed with
// (`aligned` is a function of the caller's layout alone), and `advise` touches no
// memory.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !is_large(layout) {
            return System.alloc(layout);
        }
        let block = System.alloc(aligned(layout));
        if !block.is_null() {
            advise(block, layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !is_large(layout) {
            return System.alloc_zeroed(layout);
        }
        // Advised by `alloc` before the zeroing touches it, so its pages are huge
        // from the first fault.
        let block = self.alloc(layout);
        if !block.is_null() {
            block.write_bytes(0, layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let layout = if is_large(layout) {
            aligned(layout)
        } else {
            layout
        };
        System.dealloc(block, layout)
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if !is_large(layout) && !is_large(new_layout) {
            return System.realloc(block, layout, new_size);
        }
        // Growing into, within or out of the large sizes moves the block, so that a
        // large one always starts on a huge page: a vector that doubles copies its
        // elements once more in all, as it would without room to grow in place.
        let moved = self.alloc(new_layout);
        if !moved.is_null() {
            std::ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_blocks_start_on_a_huge_page_and_keep_their_bytes() {
        let small = Layout::from_size_align(1000, 8).unwrap();
        let large = Layout::from_size_align(3 * LARGE, 8).unwrap();
        unsafe {
            let block = HugePages.alloc(small);
            for i in 0..1000 {
                *block.add(i) = i as u8;
            }
            // Growing out of the small sizes moves the block onto a huge page.
            let grown = HugePages.realloc(block, small, large.size());
            assert_eq!(grown as usize % HUGE_PAGE, 0);
            assert!((0..1000).all(|i| *grown.add(i) == i as u8));
            // Shrinking back keeps the first bytes too.
            let shrunk = HugePages.realloc(grown, large, 500);
            assert!((0..500).all(|i| *shrunk.add(i) == i as u8));
            HugePages.dealloc(shrunk, Layout::from_size_align(500, 8).unwrap());

            let zeroed = HugePages.alloc_zeroed(large);
            assert_eq!(zeroed as usize % HUGE_PAGE, 0);
            assert!((0..large.size()).all(|i| *zeroed.add(i) == 0));
            HugePages.dealloc(zeroed, large);
        }
    }
}
