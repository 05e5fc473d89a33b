//! Stage 4, judge: the hits of one posting in, a verdict with its evidence out.
//!
//! [`sections`] tells which part of the posting a hit falls in (duties,
//! requirements, company blurb, benefits, legal); [`context`] marks role names
//! used for colleagues, for the posting's own role, and negated phrases;
//! [`self_role`] reads the role a posting names for itself; [`occurrences`]
//! keeps each entry's marked occurrences together; [`score`] sums the weights
//! into a PO and a PM score; [`label`] turns the scores into a label, a
//! confidence and a lean, with [`calibrate`] fitting the confidence map.
//! Files import downwards in that order: `sections` and `context` first, then
//! `self_role` and `score`, then `occurrences`, then `label` and `calibrate`.

pub mod calibrate;
pub mod context;
pub mod label;
pub mod occurrences;
pub mod score;
pub mod sections;
pub mod self_role;
