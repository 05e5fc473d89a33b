//! A posting's occurrences, grouped by lexicon entry as they are marked.
//!
//! [`score`](crate::judge::score::score) wants each entry's occurrences
//! together, in text order, as the list that becomes its
//! [`Evidence::occurrences`](crate::judge::score::Evidence::occurrences).
//! [`Occurrences`] keeps them that way from the start: each occurrence is
//! stored once, in its entry's list, and the lists are moved into the
//! evidence, not copied. A text that is nothing but lexicon phrases so holds
//! its occurrences once, not once marked and again as evidence.

use crate::judge::score::Occurrence;
use crate::lexicon::EntryId;

/// In [`Occurrences::slot`]: the entry has no occurrence yet.
const NO_SLOT: u32 = u32::MAX;

/// One posting's marked occurrences, each entry's in a list of its own.
///
/// Reused from one posting to the next: [`Occurrences::drain_by_entry`]
/// hands the lists out and leaves it empty, keeping its index.
#[derive(Debug, Default)]
pub struct Occurrences {
    /// Per entry id: its index in `groups`, or [`NO_SLOT`]; grown to the
    /// highest id seen.
    slot: Vec<u32>,
    /// The entries found, in the order of their first occurrence, each with its occurrences.
    groups: Vec<(EntryId, Vec<Occurrence>)>,
    /// [`Occurrences::reserve_exact`]'s count per group, kept for its next call.
    counts: Vec<usize>,
}

impl Occurrences {
    /// Adds an occurrence of `entry`.
    pub fn push(&mut self, entry: EntryId, occurrence: Occurrence) {
        let g = self.group_of(entry);
        self.groups[g].1.push(occurrence);
    }

    /// Makes room, exactly, for one more occurrence per item of `entries`
    /// (for a long text, whose lists grown by doubling would leave up to half
    /// their room unused).
    pub fn reserve_exact(&mut self, entries: impl Iterator<Item = EntryId>) {
        let mut counts = std::mem::take(&mut self.counts);
        counts.clear();
        for entry in entries {
            let g = self.group_of(entry);
            if g >= counts.len() {
                counts.resize(g + 1, 0);
            }
            counts[g] += 1;
        }
        for (g, &n) in counts.iter().enumerate() {
            self.groups[g].1.reserve_exact(n);
        }
        self.counts = counts;
    }

    /// The index in `groups` of `entry`'s group, added if it has none.
    fn group_of(&mut self, entry: EntryId) -> usize {
        let id = entry.0 as usize;
        if id >= self.slot.len() {
            self.slot.resize(id + 1, NO_SLOT);
        }
        match self.slot[id] {
            NO_SLOT => {
                // Fewer groups than entries, and entry ids are u32: the index fits.
                self.slot[id] = self.groups.len() as u32;
                self.groups.push((entry, Vec::new()));
                self.groups.len() - 1
            }
            s => s as usize,
        }
    }

    /// Hands out every entry's occurrences, entries in ascending id order,
    /// each entry's in text order (field, then position), and leaves this empty.
    pub fn drain_by_entry(
        &mut self,
    ) -> impl ExactSizeIterator<Item = (EntryId, Vec<Occurrence>)> + '_ {
        for (entry, _) in &self.groups {
            self.slot[entry.0 as usize] = NO_SLOT;
        }
        // Room made for an occurrence that was not pushed leaves an empty group.
        self.groups.retain(|(_, list)| !list.is_empty());
        self.groups.sort_unstable_by_key(|&(entry, _)| entry);
        self.groups.drain(..).map(|(entry, mut list)| {
            // Unstable is exact here: no two occurrences of an entry share
            // field and start (hits in one field never overlap). Most lists
            // come sorted (a long field's come in blocks, from its end).
            list.sort_unstable_by(|a, b| a.field.cmp(&b.field).then(a.start.cmp(&b.start)));
            (entry, list)
        })
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.slot.capacity() * std::mem::size_of::<u32>()
            + self.counts.capacity() * std::mem::size_of::<usize>()
            + self.groups.capacity() * std::mem::size_of::<(EntryId, Vec<Occurrence>)>()
            + self
                .groups
                .iter()
                .map(|(_, list)| list.capacity() * std::mem::size_of::<Occurrence>())
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::context::Mark;
    use crate::judge::sections::SectionKind;

    fn o(field: usize, start: usize) -> Occurrence {
        Occurrence {
            field,
            start,
            end: start + 1,
            mark: Mark::Plain,
            is_title: false,
            section: SectionKind::Intro,
        }
    }

    /// What the groups must be: every pair sorted by entry, field and start, then split by entry.
    fn by_sorting(pairs: &[(EntryId, Occurrence)]) -> Vec<(EntryId, Vec<Occurrence>)> {
        let mut sorted = pairs.to_vec();
        sorted.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.field.cmp(&b.1.field))
                .then(a.1.start.cmp(&b.1.start))
        });
        let mut out: Vec<(EntryId, Vec<Occurrence>)> = Vec::new();
        for (entry, occ) in sorted {
            match out.last_mut() {
                Some((last, list)) if *last == entry => list.push(occ),
                _ => out.push((entry, vec![occ])),
            }
        }
        out
    }

    #[test]
    fn groups_are_the_sorted_occurrences_split_by_entry() {
        // Out of order as a posting's fields and links produce them: two
        // fields, a link's occurrence after the hits of its field.
        let pairs = vec![
            (EntryId(7), o(0, 40)),
            (EntryId(2), o(0, 10)),
            (EntryId(7), o(0, 90)),
            (EntryId(2), o(0, 5)),
            (EntryId(0), o(1, 3)),
            (EntryId(7), o(1, 0)),
            (EntryId(2), o(1, 8)),
        ];
        let mut occ = Occurrences::default();
        for (entry, o) in pairs.iter().cloned() {
            occ.push(entry, o);
        }
        let got: Vec<_> = occ.drain_by_entry().collect();
        assert_eq!(got, by_sorting(&pairs));
        assert_eq!(occ.drain_by_entry().count(), 0);
        // Reused after a drain: no entry remembers its old group.
        let again = vec![(EntryId(2), o(0, 1)), (EntryId(9), o(0, 0))];
        for (entry, o) in again.iter().cloned() {
            occ.push(entry, o);
        }
        let got: Vec<_> = occ.drain_by_entry().collect();
        assert_eq!(got, by_sorting(&again));
        assert_eq!(occ.drain_by_entry().count(), 0);
    }
}
