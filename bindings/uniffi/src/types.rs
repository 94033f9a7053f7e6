//! The domain's enums and plain records, whose FFI the client crate
//! declares (`uniffi::remote`, checked against the domain's definitions):
//! used here through that declaration, not a second one.

use latchkey_client::models::{ExposedKeyAction, KeyPolicy};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Order, Plan, UserStatus,
};

uniffi::use_remote_type!(latchkey_client::KeyStatus);
uniffi::use_remote_type!(latchkey_client::EffectiveKeyStatus);
uniffi::use_remote_type!(latchkey_client::ApplicationStatus);
uniffi::use_remote_type!(latchkey_client::UserStatus);
uniffi::use_remote_type!(latchkey_client::Plan);
uniffi::use_remote_type!(latchkey_client::Order);
uniffi::use_remote_type!(latchkey_client::ExposedKeyAction);
uniffi::use_remote_type!(latchkey_client::KeyPolicy);
uniffi::use_remote_type!(latchkey_client::Limits);
