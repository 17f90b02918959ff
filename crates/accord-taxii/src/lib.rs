//! TAXII 2.1 (OASIS Standard, 10 June 2021) protocol rules that do not depend on storage or
//! HTTP plumbing: content negotiation, the query parameters of the object endpoints, the
//! stateless paging cursor, and the error resource. No I/O, no clock.

pub mod collection;
pub mod cursor;
pub mod error;
pub mod media;
pub mod query;

pub use collection::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
pub use cursor::{Cursor, CursorError, CursorKey};
pub use error::ErrorResource;
pub use media::{MediaError, TAXII_MEDIA_TYPE};
pub use query::{ObjectQuery, QueryError, VersionSelector};
