"""kexportctl, the operator CLI over the kexport gRPC API: one module per job
(see cli.py for the command tree)."""
