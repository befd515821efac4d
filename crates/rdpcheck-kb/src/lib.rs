// placeholder so the workspace builds while the kb crate is written
