//! Rules across rows and sheets: uniqueness, references, overlaps, ages and board completeness.
//!
//! Where a rule sets one row against another, the finding goes on the later row and names the
//! others; a finding about something missing goes on the first row it concerns. Every rule is
//! linear in the rows (sorting aside): a group of rows that clash is one finding, listing at
//! most [`LISTED`](listing::LISTED) of them, so a supplier's placeholder id shared by thousands
//! of rows gives one finding, not thousands each naming thousands.
//!
//! Each rule is a function over all the sheets, in a file of its own: `unique` (E401-E403),
//! `references` (E410, E411), `overlaps` (W420), `ages` (E430-E432), `board` (E440) and
//! `nation` (E311). How rows set against one another are found and named is in `listing`.

mod ages;
mod board;
mod listing;
mod nation;
mod overlaps;
mod references;
mod unique;

use super::sheets::Check;
use ages::ages;
use board::statutory_partners_present;
use nation::idp_only_in_wales;
use overlaps::overlaps;
use references::orphans;
use unique::{duplicate_board_rows, duplicate_cohort_rows, duplicate_ids};

pub(crate) static CHECKS: &[Check] = &[
    (&["E401"], duplicate_ids),
    (&["E402"], duplicate_board_rows),
    (&["E403"], duplicate_cohort_rows),
    (&["E410", "E411"], orphans),
    (&["W420"], overlaps),
    (&["E430", "E431", "E432"], ages),
    (&["E440"], statutory_partners_present),
    (&["E311"], idp_only_in_wales),
];
