// The end-to-end tests of kexport-applications land in the next commit.
