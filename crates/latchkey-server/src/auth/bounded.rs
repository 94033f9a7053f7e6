//! A map with a fixed number of entries: past its capacity, inserting
//! evicts an entry chosen by the clock (second-chance) algorithm, so that
//! memory never grows with what callers present, only up to the bound.
//!
//! Every entry carries a "used" bit, set by each hit (under the read lock,
//! an atomic store); the clock hand sweeps the slots on insertion into a
//! full map, clearing the bits it passes and evicting the first entry whose
//! bit is already clear. An entry used since the hand last passed it gets a
//! second chance; one inserted and never used again goes first. The sweep
//! stops within two passes (every bit it passes is cleared) and on average
//! after a few slots, so a flood of new keys costs O(1) each and cannot
//! push out entries that are in use faster than it gets hits.
//!
//! Lookups share a read lock; inserts take the write lock.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// A map of at most `capacity` entries (see the module documentation).
#[derive(Debug)]
pub struct BoundedMap<K, V> {
    capacity: usize,
    inner: RwLock<Inner<K, V>>,
}

#[derive(Debug)]
struct Inner<K, V> {
    /// Where each key's slot is.
    index: HashMap<K, usize>,
    slots: Vec<Slot<K, V>>,
    /// The next slot the clock looks at.
    hand: usize,
}

#[derive(Debug)]
struct Slot<K, V> {
    key: K,
    value: V,
    used: AtomicBool,
}

impl<K: Clone + Eq + Hash, V> BoundedMap<K, V> {
    /// An empty map of at most `capacity` entries (at least one). Memory is
    /// taken as entries come, not up front.
    pub fn new(capacity: usize) -> Self {
        BoundedMap {
            capacity: capacity.max(1),
            inner: RwLock::new(Inner {
                index: HashMap::new(),
                slots: Vec::new(),
                hand: 0,
            }),
        }
    }

    /// The most entries the map holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entries it holds now.
    pub fn len(&self) -> usize {
        self.inner.read().expect("bounded map lock").slots.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the value of `key` with `read`, marking the entry used.
    pub fn get<Q, R>(&self, key: &Q, read: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let inner = self.inner.read().expect("bounded map lock");
        let slot = &inner.slots[*inner.index.get(key)?];
        // A plain store when already set would still bounce the cache line
        // between cores on every hit: only write a bit that is clear.
        if !slot.used.load(Ordering::Relaxed) {
            slot.used.store(true, Ordering::Relaxed);
        }
        Some(read(&slot.value))
    }

    /// Inserts or replaces the value of `key`; in a full map, a new key
    /// takes the slot of the entry the clock evicts.
    pub fn insert(&self, key: K, value: V) {
        let mut inner = self.inner.write().expect("bounded map lock");
        let inner = &mut *inner;
        if let Some(&at) = inner.index.get(&key) {
            let slot = &mut inner.slots[at];
            slot.value = value;
            *slot.used.get_mut() = true;
            return;
        }
        let slot = Slot {
            key: key.clone(),
            value,
            // New entries earn their second chance by being used.
            used: AtomicBool::new(false),
        };
        if inner.slots.len() < self.capacity {
            inner.index.insert(key, inner.slots.len());
            inner.slots.push(slot);
            return;
        }
        let len = inner.slots.len();
        loop {
            let at = inner.hand;
            inner.hand = (at + 1) % len;
            let used = inner.slots[at].used.get_mut();
            if *used {
                *used = false;
                continue;
            }
            let evicted = std::mem::replace(&mut inner.slots[at], slot);
            inner.index.remove(&evicted.key);
            inner.index.insert(key, at);
            return;
        }
    }

    /// Removes every entry for which `keep` says no.
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) {
        let mut inner = self.inner.write().expect("bounded map lock");
        let inner = &mut *inner;
        inner.slots.retain(|slot| keep(&slot.key, &slot.value));
        inner.index.clear();
        for (at, slot) in inner.slots.iter().enumerate() {
            inner.index.insert(slot.key.clone(), at);
        }
        inner.hand = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_holds_more_than_its_capacity() {
        let map = BoundedMap::new(100);
        for n in 0..10_000u32 {
            map.insert(n, n);
            assert!(map.len() <= 100);
        }
        assert_eq!(map.len(), 100);
        // The last one inserted is there; what is there is right.
        assert_eq!(map.get(&9_999, |v| *v), Some(9_999));
        let inner = map.inner.read().unwrap();
        assert_eq!(inner.index.len(), 100);
        for (key, &at) in &inner.index {
            assert_eq!(inner.slots[at].key, *key);
        }
    }

    #[test]
    fn entries_in_use_survive_a_flood_of_new_keys() {
        let map = BoundedMap::new(64);
        for hot in 0..8u32 {
            map.insert(hot, ());
        }
        for cold in 1_000..100_000u32 {
            map.insert(cold, ());
            // The hot entries are used between the flood's inserts, as a
            // busy key is between a flood's requests.
            for hot in 0..8u32 {
                assert!(map.get(&hot, |()| ()).is_some(), "hot {hot} evicted");
            }
        }
    }

    #[test]
    fn replacing_keeps_the_count_and_retain_removes() {
        let map = BoundedMap::new(3);
        map.insert("a", 1);
        map.insert("a", 2);
        assert_eq!(map.len(), 1);
        assert_eq!(map.get("a", |v| *v), Some(2));
        map.insert("b", 3);
        map.insert("c", 4);
        map.retain(|_, v| *v != 3);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("b", |v| *v), None);
        assert_eq!(map.get("c", |v| *v), Some(4));
        map.insert("d", 5);
        map.insert("e", 6);
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("e", |v| *v), Some(6));
    }

    #[test]
    fn a_capacity_of_zero_holds_one() {
        let map = BoundedMap::new(0);
        map.insert(1, ());
        map.insert(2, ());
        assert_eq!(map.capacity(), 1);
        assert_eq!(map.len(), 1);
        assert!(map.get(&2, |()| ()).is_some());
    }
}
