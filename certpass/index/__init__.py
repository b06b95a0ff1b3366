"""The bilingual token index of certificates: the tokenizer (`tokens`), the declared fields
and their weights (`fields`), the table (`models`) and the writer every certificate write
calls in its own transaction (`writer`). Queries over it are `certpass.search`'s."""
