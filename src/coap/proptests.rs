//! Property tests of the CoAP codec.
