// mimalloc instead of the system allocator: 29 % less CPU and 6 % less peak RSS on the 1×
// monorepo (benches/README.md, issue 13, fifth session).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // mimalloc asks for transparent huge pages on its regions (madvise): every fault then clears
    // 2 MiB, which cost more CPU than the allocator saved (sys time 0.66 -> 1.25 s) and 40 MB of
    // RSS on the monorepo. Off for this process (as MIMALLOC_ALLOW_THP=0 would do).
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    std::process::exit(kexit::cli::main());
}
