fn main() {
    std::process::exit(kexit::cli::main());
}
