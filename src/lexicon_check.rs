//! lexicon_check (in progress)
