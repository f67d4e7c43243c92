"""hyp-compatible configuration directories: the models, config.yaml files, validation, rendering and submission that
`hyp init` / `configure` / `validate` / `create` use, so hyptui and `hyp` can work on the same directory."""
