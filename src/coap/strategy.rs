//! proptest strategies for CoAP messages.
